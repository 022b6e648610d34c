/// The report's inline style and script: no external file, font or request.
public enum ReportAssets {
    public static let css = """
    body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fff}
    header{background:#12355b;color:#fff;padding:14px 24px}header h1{margin:0;font-size:20px}header p{margin:4px 0 0;font-size:13px;opacity:.85}
    main{padding:8px 24px 40px;max-width:1200px}section{margin:22px 0}h2{font-size:16px;margin:0 0 6px}
    .caption{font-size:12px;color:#555;margin:4px 0 0}.summary td{padding:2px 14px 2px 0;font-size:14px}
    pre{background:#f5f5f5;padding:10px;font-size:12px;overflow-x:auto;white-space:pre-wrap}
    .controls{font-size:13px;margin:6px 0}.controls label{margin-right:14px}
    svg{max-width:100%;height:auto;display:block}
    table.trials{border-collapse:collapse;font-size:12px;width:100%}
    table.trials th{position:sticky;top:0;background:#eef2f6;cursor:pointer;text-align:left;padding:4px 6px;user-select:none;white-space:nowrap}
    table.trials td{padding:3px 6px;border-top:1px solid #eee;white-space:nowrap}
    table.trials th.sorted-up:after{content:" ▲"}table.trials th.sorted-down:after{content:" ▼"}
    .state-complete{color:#0072B2}.state-pruned{color:#b07800}.state-failed{color:#D55E00}.state-running{color:#009E73}
    .table-wrap{max-height:640px;overflow:auto;border:1px solid #ddd}
    body.hide-pruned .pruned{display:none}
    """

    /// The trial table (rows from the page's JSON, a page at a time, sorted by a clicked header,
    /// filtered by state and text) and the pruned-curves switch.
    public static let script = """
    (function(){
      var hide=document.getElementById('hide-pruned');
      if(hide){hide.addEventListener('change',function(){document.body.classList.toggle('hide-pruned',hide.checked);});}
      var table=document.querySelector('table.trials'),data=document.getElementById('trial-data');
      if(!table||!data){return;}
      var all=JSON.parse(data.textContent),rows=all,page=0,size=parseInt(table.getAttribute('data-page-size'),10)||200;
      var sortColumn=-1,up=true,last=table.tHead.rows[0].cells.length-1;
      var stateFilter=document.getElementById('state-filter'),textFilter=document.getElementById('text-filter'),count=document.getElementById('row-count');
      function show(value,column){
        if(value===null){return '';}
        if(typeof value==='number'&&column!==0){return Math.abs(value)>=1e5||(Math.abs(value)<1e-3&&value!==0)?value.toPrecision(4):String(Math.round(value*1e6)/1e6);}
        return String(value);
      }
      function draw(){
        var body=table.tBodies[0],fragment=document.createDocumentFragment();
        var pages=Math.max(1,Math.ceil(rows.length/size));page=Math.min(page,pages-1);
        rows.slice(page*size,(page+1)*size).forEach(function(row){
          var tr=document.createElement('tr');tr.setAttribute('data-state',row[1]);
          for(var i=0;i<=last;i++){var td=document.createElement('td');td.textContent=show(row[i],i);if(i===1){td.className='state-'+row[1];}if(i===3){td.title=row[last+1];}if(i===last&&row[i]){td.title=row[i];}tr.appendChild(td);}
          fragment.appendChild(tr);
        });
        body.textContent='';body.appendChild(fragment);
        if(count){count.textContent=(rows.length?(page*size+1)+'–'+Math.min(rows.length,(page+1)*size):'0')+' of '+rows.length+' trials'+(rows.length<all.length?' (filtered from '+all.length+')':'');}
      }
      function select(){
        var state=stateFilter?stateFilter.value:'',text=textFilter?textFilter.value.toLowerCase():'';
        rows=all.filter(function(row){return(!state||row[1]===state)&&(!text||row.join(' ').toLowerCase().indexOf(text)>=0);});
        if(sortColumn>=0){sort();}
      }
      function filter(){select();page=0;draw();}
      // A live page replaces the rows (same columns) and keeps its filter, order and page.
      window.metatuneSetRows=function(next){all=next;select();draw();};
      function sort(){
        rows.sort(function(a,b){
          var x=a[sortColumn],y=b[sortColumn];
          if(x===null&&y===null){return 0;}if(x===null){return 1;}if(y===null){return -1;}
          var r=typeof x==='number'&&typeof y==='number'?x-y:String(x)<String(y)?-1:String(x)>String(y)?1:0;
          return up?r:-r;
        });
      }
      if(stateFilter){stateFilter.addEventListener('change',filter);}
      if(textFilter){textFilter.addEventListener('input',filter);}
      document.getElementById('page-previous').addEventListener('click',function(){if(page>0){page--;draw();}});
      document.getElementById('page-next').addEventListener('click',function(){if((page+1)*size<rows.length){page++;draw();}});
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(cell,index){
        cell.addEventListener('click',function(){
          up=sortColumn===index?!up:true;sortColumn=index;
          Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.classList.remove('sorted-up','sorted-down');});
          cell.classList.add(up?'sorted-up':'sorted-down');
          sort();page=0;draw();
        });
      });
      draw();
    })();
    """
}
