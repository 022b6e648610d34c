/// The dashboard pages' scripts: live updates by polling the API for what changed.
enum DashboardScripts {
    /// The study list: counts and best values every two seconds.
    static let studyList = """
    (function(){
      var live=document.getElementById('live');
      function cell(text){var td=document.createElement('td');td.textContent=text;return td;}
      function poll(){
        fetch('/api/studies',{cache:'no-store'}).then(function(r){return r.ok?r.json():Promise.reject(r.status);}).then(function(studies){
          var body=document.querySelector('#studies tbody');body.textContent='';
          studies.forEach(function(s){
            var tr=document.createElement('tr'),td=document.createElement('td'),a=document.createElement('a');
            a.href='/studies/'+encodeURIComponent(s.name);a.textContent=s.name;td.appendChild(a);tr.appendChild(td);
            tr.appendChild(cell(s.direction));tr.appendChild(cell(String(s.trials)));tr.appendChild(cell(String(s.states.complete)));
            tr.appendChild(cell(String(s.states.running)));tr.appendChild(cell(s.best_value===null?'–':String(Number(s.best_value.toPrecision(6)))));
            body.appendChild(tr);
          });
          live.textContent='live · '+new Date().toLocaleTimeString();
        }).catch(function(){live.textContent='reconnecting…';}).then(function(){setTimeout(poll,2000);});
      }
      setTimeout(poll,2000);
    })();
    """

    /// A study page: every second, the trials that changed since the page's revision
    /// (`/api/studies/NAME/trials?after=R`); when some did, the table's rows are replaced in place
    /// and the plots fetched again (drawn at most once per revision by the server).
    static let studyPage = """
    (function(){
      var name=document.body.getAttribute('data-study'),revision=parseInt(document.body.getAttribute('data-revision'),10)||0;
      var base='/api/studies/'+encodeURIComponent(name),live=document.getElementById('live');
      var data=document.getElementById('trial-data'),rows={};
      if(data){JSON.parse(data.textContent).forEach(function(row){rows[row[0]]=row;});}
      var headers=Array.prototype.map.call(document.querySelectorAll('table.trials thead th'),function(th){return th.textContent;});
      var params=headers.slice(5,headers.length-1);
      function toRow(t){
        var row=[t.number,t.state,t.value,t.origin,t.duration_s===null?null:Math.round(t.duration_s*100)/100];
        params.forEach(function(p){row.push(t.params.hasOwnProperty(p)?t.params[p]:null);});
        row.push(t.reason);row.push(t.origin_detail);return row;
      }
      function sectionFor(plot){
        var section=document.getElementById('plot-'+plot.id);
        if(!section){
          section=document.createElement('section');section.id='plot-'+plot.id;section.className='plot';
          var h=document.createElement('h2'),svg=document.createElement('div'),p=document.createElement('p');
          svg.className='svg';p.className='caption';section.appendChild(h);section.appendChild(svg);section.appendChild(p);
          document.getElementById('plots').appendChild(section);
        }
        return section;
      }
      function refreshPlots(){
        return fetch(base+'/plots',{cache:'no-store'}).then(function(r){return r.ok?r.json():Promise.reject(r.status);}).then(function(d){
          d.plots.forEach(function(plot){
            var section=sectionFor(plot);
            section.querySelector('h2').textContent=plot.title;
            section.querySelector('.svg').innerHTML=plot.svg;
            section.querySelector('.caption').textContent=plot.caption;
          });
        });
      }
      function poll(){
        fetch(base+'/trials?after='+revision,{cache:'no-store'}).then(function(r){return r.ok?r.json():Promise.reject(r.status);}).then(function(d){
          var changed=d.trials.length>0;
          d.trials.forEach(function(t){rows[t.number]=toRow(t);});
          revision=d.revision;
          if(changed&&window.metatuneSetRows){
            window.metatuneSetRows(Object.keys(rows).map(function(k){return rows[k];}).sort(function(a,b){return a[0]-b[0];}));
            return refreshPlots();
          }
        }).then(function(){live.textContent='live · revision '+revision+' · '+new Date().toLocaleTimeString();},
                function(){live.textContent='reconnecting…';}).then(function(){setTimeout(poll,1000);});
      }
      setTimeout(poll,1000);
    })();
    """
}
